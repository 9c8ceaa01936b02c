/**
 * The page's side of the simulated estate: GET /ws/estate (what each simulated part is doing) and
 * POST /ws/break (the "Break something" menu). A break is announced in the incident channel by the
 * simulated monitoring, as a real alert would be.
 */
import { z } from 'zod';
import { MONITORING } from '../demo-workspace.js';
import type { SlackEmulator } from '../emulator.js';
import { FAULTS, type EstateLine, type Fault } from '../estate/estate.js';
import { HttpError } from './http.js';

export interface EstateControls {
  faults(): Array<{ id: Fault; label: string }>;
  break(fault: Fault): string;
  status(): EstateLine[];
  simulated: readonly string[];
}

const breakBody = z.object({ fault: z.enum(Object.keys(FAULTS) as [Fault, ...Fault[]]) });

export function estateRoutes(emulator: SlackEmulator, estate: EstateControls | undefined, channel: string) {
  return {
    status: () => ({ simulated: estate?.simulated ?? [], lines: estate?.status() ?? [] }),
    break(body: unknown) {
      const r = breakBody.safeParse(body);
      if (!r.success) throw new HttpError(400, `unknown fault; one of: ${Object.keys(FAULTS).join(', ')}`);
      if (!estate?.faults().some((f) => f.id === r.data.fault)) throw new HttpError(409, `${FAULTS[r.data.fault]}: that part of the estate is not simulated here (the environment points at a real one)`);
      const said = estate.break(r.data.fault);
      emulator.postAs(MONITORING, channel, `:rotating_light: *[simulated]* ${said}`);
      return { ok: true, said };
    },
  };
}
