import { getExternalWorkflowHandle, log, patched, workflowInfo } from '@temporalio/workflow';
import type { TimelineEntry } from '../domain/case';
import { initialInspection, inspectionRules } from '../domain/inspection';
import { caseRuntime } from './caseRuntime';
import { inspectionRecorded, inspectionState, inspectionUpdates, type InspectionInput, type InspectionView } from './inspection.messages';
import { programmeEvent, stationWorkflowId, type ProgrammeEvent } from './stationProgramme.messages';
import { now, starter, store } from './support';

/**
 * An inspection (监督检查) of a licensed station:
 * team assignment (recusal, rotation, active qualification) → acknowledgement → fieldwork scores
 * against the checklist → the lead's report → supervisor review → pass, or a rectification order
 * (整改) → the station's report → the team's verification → closed, or up the sanctions ladder
 * (warning → suspension → revocation), each rung a supervisor's decision.
 */
export async function inspection(input: InspectionInput): Promise<InspectionView> {
  const c = caseRuntime({
    rules: inspectionRules,
    policy: input.policy,
    state: initialInspection({ ...input, at: now() }),
    workflowId: workflowInfo().workflowId,
    messages: { state: inspectionState, recorded: inspectionRecorded, actions: inspectionUpdates },
    search: { caseType: 'inspection', region: input.station.provinceCode },
    save: (save) => store.saveInspection(save),
    onEntry: tellStation,
  });
  await c.persist();
  c.markRecorded();

  // 1. A supervisor assigns the team; 2. each member acknowledges; 3. fieldwork scores; 4. the lead's report.
  await c.holdStatus('awaiting_team');
  await c.holdStatus('awaiting_acknowledgement');
  await c.holdStatus('fieldwork');
  await c.holdStatus('awaiting_report');

  // 5. Supervisor review: pass, or a rectification order.
  await c.holdStatus('awaiting_review');

  // 6. Rectification rounds; a missed or failed one climbs the sanctions ladder.
  while (['rectification', 'verification', 'awaiting_sanction'].includes(c.state.status)) {
    await c.holdStatus('rectification');
    await c.holdStatus('verification');
    await c.holdStatus('awaiting_sanction');
  }
  if (c.state.status === 'closed') {
    const s = c.state;
    tellProgramme({ type: 'inspection_concluded', inspectionId: s.id, kind: s.kind, rating: s.result!.rating, teamIds: s.team.map((p) => p.id), at: now() });
  }
  return c.finish();

  /** What the station's programme hears of an entry: rectification orders opened and closed, and sanctions. */
  function tellStation(entry: TimelineEntry): void {
    const base = { inspectionId: input.id, at: entry.at };
    if (entry.action === 'rectification_ordered') tellProgramme({ type: 'rectification_opened', ...base });
    else if (entry.action === 'rectification_verified') tellProgramme({ type: 'rectification_closed', ...base });
    else if (entry.action.startsWith('sanction_')) {
      const sanction = { type: 'sanction' as const, level: entry.action.replace('sanction_', '') as 'warning', ...base };
      // Inspections that signalled their sanctions before the read-back replay as they ran (patch 'station-sanction-read-back').
      if (patched('station-sanction-read-back')) sanctionStation(sanction);
      else tellProgramme(sanction);
    }
  }

  /**
   * A sanction acts on the station through its programme (activities/crossProcess.ts): recorded on this inspection as
   * the station reads afterwards (its status and next inspection due), or as failed with the reason, for the supervisor.
   */
  function sanctionStation(effect: Extract<ProgrammeEvent, { type: 'sanction' }>): void {
    c.beside(
      (async () => {
        const report = await starter.actOnStation({ stationId: input.station.id, effect });
        const data = { stationId: input.station.id, level: effect.level };
        if (report.applied) c.system({}, 'action_station_sanctioned', { ...data, ...report.result });
        else c.system({}, 'action_station_sanction_failed', { ...data, reason: report.reason });
        await c.persist();
      })(),
    );
  }

  /** Other effects go through the programme's own signal; a station without a programme is logged, not fatal. */
  function tellProgramme(event: ProgrammeEvent): void {
    c.beside(
      getExternalWorkflowHandle(stationWorkflowId(input.station.id))
        .signal(programmeEvent, event)
        .catch((error: unknown) => log.warn('station programme not reachable', { stationId: input.station.id, event: event.type, error: String(error) })),
    );
  }
}
