import type { App } from '@slack/bolt';
import { homeView } from './blocks/home.js';
import type { Deps } from './context.js';

/** `app_home_opened`: publish the person's Home tab with the open incidents (events are acked by Bolt first). */
export function registerHome(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const open = await deps.store.incidents.listOpen();
    const links = new Map<number, string>();
    for (const inc of open.slice(0, 20)) {
      const link = await deps.incidents.permalink(inc);
      if (link) links.set(inc.id, link);
    }
    await deps.slack.views.publish({ user_id: event.user, view: homeView(open, deps.policy, deps.clock.now(), links) as never });
  });
}
