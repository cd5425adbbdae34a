import { continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { campaignProgress, campaignRecorded, type CampaignInput, type CampaignProgress } from './campaign.messages';
import { CaseStatus, CaseType } from './searchAttributes';
import { now, setRecordedHandler, starter, store } from './support';

/** Pages per run before continuing as new, so the history stays small however many stations match. */
const PAGES_PER_RUN = 20;

/**
 * A special inspection campaign (专项检查): one inspection per active station matching the filter,
 * started page by page (never the whole list in one history), with progress in a query and MySQL.
 */
export async function campaign(input: CampaignInput): Promise<CampaignProgress> {
  let recorded = false;
  let progress: CampaignProgress = input.progress ?? { matched: 0, started: 0, afterStationId: 0, status: 'running', startedAt: now() };
  setHandler(campaignProgress, () => progress);
  setRecordedHandler(
    campaignRecorded,
    () => recorded,
    () => progress,
  );
  upsertSearchAttributes([
    { key: CaseType, value: 'campaign' },
    { key: CaseStatus, value: 'running' },
  ]);
  if (!input.progress) {
    progress = { ...progress, matched: await store.countCampaignStations(input.filter) };
    await save();
  }
  recorded = true;

  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const stationIds = await store.campaignStationsPage(input.filter, progress.afterStationId, input.batchSize);
    if (stationIds.length === 0) {
      progress = { ...progress, status: 'completed' };
      upsertSearchAttributes([{ key: CaseStatus, value: 'completed' }]);
      await save();
      return progress;
    }
    const started = await starter.startCampaignInspections({
      campaignId: input.id,
      stationIds,
      policy: input.policy,
      startedBy: input.startedBy,
      templateId: input.templateId,
      reason: input.name,
    });
    progress = {
      ...progress,
      started: progress.started + started,
      afterStationId: stationIds[stationIds.length - 1],
      matched: Math.max(progress.matched, progress.started + started),
    };
    await save();
    if (workflowInfo().continueAsNewSuggested) break;
  }
  return continueAsNew<typeof campaign>({ ...input, progress });

  async function save(): Promise<void> {
    await store.saveCampaign({
      id: input.id,
      name: input.name,
      filter: input.filter,
      status: progress.status,
      matched: progress.matched,
      started: progress.started,
      createdBy: input.startedBy.id,
      at: now(),
    });
  }
}
