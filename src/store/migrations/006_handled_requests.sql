-- Requests already acted on (a modal's view id): the same submission delivered twice changes things once.
CREATE TABLE handled_requests (
  key        text PRIMARY KEY,
  handled_at timestamptz NOT NULL DEFAULT now()
);
