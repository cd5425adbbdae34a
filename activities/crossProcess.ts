import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { examinerStanding, suspendInRegister } from '../db/queries/examiners';
import { liveQualificationIds } from '../db/queries/qualifications';
import type { ActionReport } from '../domain/case';
import type { ProgrammeState } from '../domain/programme';
import { qualificationSanction, qualificationState, qualificationWorkflowId } from '../workflows/qualification.messages';
import { programmeEvent, programmeState, stationWorkflowId, type ProgrammeEvent } from '../workflows/stationProgramme.messages';

export interface ExaminerSuspension {
  kind: 'suspend';
  until: string;
  reasons: string[];
  source: string;
}

/**
 * Suspends an examiner: always on the register, which the team and session checks read, whether or not they have a
 * qualification cycle; each live cycle is told by its own signal and pauses its renewal clock. Reports the register
 * entry and each cycle's status as read back afterwards.
 */
export async function suspendExaminer(db: Db, temporal: Client, examinerId: string, suspension: ExaminerSuspension): Promise<ActionReport> {
  if (!(await examinerStanding(db, examinerId))) return { applied: false, reason: `${examinerId} is not in the examiner register` };
  await suspendInRegister(db, { examinerId, until: suspension.until, reasons: suspension.reasons, source: suspension.source });
  const ids = await liveQualificationIds(db, examinerId);
  const qualifications = await Promise.all(
    ids.map(async (id) => {
      const handle = temporal.workflow.getHandle(qualificationWorkflowId(id));
      try {
        await handle.signal(qualificationSanction, suspension);
        // A query after the signal sees it applied: Temporal answers a query after the events before it.
        return { id, status: (await handle.query(qualificationState)).status };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { id, status: 'no running cycle' };
        throw error;
      }
    }),
  );
  const standing = (await examinerStanding(db, examinerId))!;
  const held = standing.status === 'suspended' && standing.suspendedUntil !== null && Date.parse(standing.suspendedUntil) >= Date.parse(suspension.until);
  if (!held) return { applied: false, reason: `${examinerId} is ${standing.status} in the register: nothing to suspend` };
  return { applied: true, result: { examinerId, status: standing.status, suspendedUntil: standing.suspendedUntil, qualifications } };
}

/** What one process does to a station: an inspection's sanction, a substantiated complaint bringing its next inspection closer. */
export type StationEffect = Extract<ProgrammeEvent, { type: 'sanction' | 'complaint_substantiated' }>;

/** Whether the programme holds the effect: the sanction from that inspection at that level, the complaint at its time. */
function holds(programme: ProgrammeState, effect: StationEffect): boolean {
  if (effect.type === 'sanction') return programme.sanctions.some((s) => s.inspectionId === effect.inspectionId && s.level === effect.level);
  return programme.substantiatedComplaintsAt.includes(effect.at);
}

/**
 * Acts on a station through its supervision programme, which owns its status and inspection interval, and reports
 * the station as the programme reads afterwards (its status and next inspection due). A programme that has ended
 * (the licence revoked) or never ran cannot take it: reported as not applied. Told once: a retry after the signal
 * finds the effect already held and only reads back.
 */
export async function actOnStation(temporal: Client, stationId: number, effect: StationEffect): Promise<ActionReport> {
  const handle = temporal.workflow.getHandle(stationWorkflowId(stationId));
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING')
      return { applied: false, reason: `the supervision programme of station ${stationId} has ended (${status.name.toLowerCase()})` };
    if (!holds(await handle.query(programmeState), effect)) await handle.signal(programmeEvent, effect);
    // A query after the signal sees it applied (and answers from the last state if the programme ended with it).
    const programme = await handle.query(programmeState);
    if (!holds(programme, effect))
      return { applied: false, reason: `the supervision programme of station ${stationId} did not take it (the station is ${programme.status})` };
    return { applied: true, result: { stationId, status: programme.status, nextDueAt: programme.nextDueAt } };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { applied: false, reason: `station ${stationId} has no running supervision programme` };
    throw error;
  }
}
