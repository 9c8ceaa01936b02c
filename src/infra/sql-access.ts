/**
 * How the bot's SQL checks reach a database on RDS: TLS with the CA bundle the policy names
 * (`verify-full`: the chain AND the host name are checked, as libpq's sslmode=verify-full does), and,
 * when the policy says so, an IAM authentication token (rds-db:connect, valid 15 min) as the password.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SqlAccess } from '../runbooks/policy-schema.js';
import type { RdsAccess } from './rds.js';

/** A connection URL plus what the URL cannot carry: TLS options and a password minted for this connection. */
export interface SqlConnection {
  url: string;
  ssl?: ConnectionOptions | false;
  /** Who connects (the IAM user when a token is in the URL): for messages, never the token. */
  user?: string;
}

export type SqlTarget = string | SqlConnection;

/** TLS options for pg: `verify-full` trusts only the bundle and checks the host name; `require` encrypts without checking. */
export function tlsOptions(a: SqlAccess): ConnectionOptions | false {
  if (a.sslMode === 'disable') return false;
  if (a.sslMode === 'require') return { rejectUnauthorized: false };
  // pg passes the host to tls.connect (and as SNI when it is a name), so Node checks the certificate names it.
  let ca: string;
  try {
    ca = readFileSync(a.caBundle!, 'utf8');
  } catch (err) {
    throw new Error(`the CA bundle ${a.caBundle} (targets.database.sql.caBundle) cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); README, "RDS prerequisites"`);
  }
  return { ca, rejectUnauthorized: true };
}

/** Strips libpq's ssl* parameters off the URL: the TLS options above decide, not whatever the URL says. */
const withoutSslParams = (url: string): string => {
  const u = new URL(url);
  for (const k of [...u.searchParams.keys()]) if (/^ssl/.test(k)) u.searchParams.delete(k);
  return u.toString();
};

export async function sqlConnection(url: string, a: SqlAccess | undefined, aws: RdsAccess): Promise<SqlTarget> {
  if (!a) return url;
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port || 5432);
  const conn: SqlConnection = { url: withoutSslParams(url), ssl: tlsOptions(a) };
  if (a.iamUser) {
    // Loaded only when the policy asks for IAM tokens: most set-ups never need the signer in memory.
    const { Signer } = await import('@aws-sdk/rds-signer');
    const signer = new Signer({
      hostname: host,
      port,
      username: a.iamUser,
      region: aws.region,
      ...(aws.accessKeyId && aws.secretAccessKey ? { credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey, sessionToken: aws.sessionToken } } : {}),
    });
    // pg lets the URL's user and password win over separate options, so the token goes into the URL.
    const token = await signer.getAuthToken();
    const clean = new URL(conn.url);
    clean.username = '';
    clean.password = '';
    conn.url = clean.toString().replace('//', `//${encodeURIComponent(a.iamUser)}:${encodeURIComponent(token)}@`);
    conn.user = a.iamUser;
  }
  return conn;
}

/** pg.Client's options for a target: the URL (with the IAM token in it when there is one) and the TLS options. */
export function pgOptions(t: SqlTarget): { connectionString: string; ssl?: ConnectionOptions | false } {
  if (typeof t === 'string') return { connectionString: t };
  return { connectionString: t.url, ...(t.ssl !== undefined ? { ssl: t.ssl } : {}) };
}
