import { describe, expect, it } from 'vitest';
import { engineRawShare, figure, markdown, medianCpu, type ScenarioReport } from '../../bench/report';

/** A row of a run, as a scenario reports it; only what the table reads. */
function report(over: Partial<ScenarioReport>): ScenarioReport {
  return {
    id: 'campaign',
    title: 'campaign over 5,000 stations',
    system: figure('all inspections started', 's', [150, 160, 170]),
    target: 'all started ≤ 120 s',
    met: false,
    extra: [],
    cpu: {},
    runs: [],
    settings: '',
    ...over,
  };
}

describe('benchmark tables', () => {
  it("adds the production engine's services up as Temporal and its PostgreSQL backends apart, run by run", () => {
    const cpu = medianCpu([
      { api: 0.1, 'temporal.history': 0.5, 'temporal.frontend': 0.2, 'postgres.101': 0.3, 'postgres.102': 0.1, machineBusy: 0.9 },
      // Another run: other backends, one service gone (NaN), which must not turn the sum into NaN.
      { api: 0.3, 'temporal.history': 0.7, 'temporal.frontend': NaN, 'postgres.103': 0.2, machineBusy: 0.8 },
      { api: 0.2, 'temporal.history': 0.6, 'temporal.frontend': 0.2, 'postgres.104': 0.4, machineBusy: 0.85 },
    ]);
    expect(cpu.temporal).toBe(0.7); // runs: 0.7, 0.7, 0.8
    expect(cpu['temporal.history']).toBe(0.6);
    expect(cpu.postgresql).toBe(0.4); // runs: 0.4, 0.2, 0.4
    expect(Object.keys(cpu).filter((k) => k.startsWith('postgres.'))).toEqual([]);
  });

  it("shows the engine's raw figure and the scenario's share of it, or says there is none", () => {
    const table = markdown(
      [
        report({ engineRaw: engineRawShare('trivial workflow.start, 100 callers', [100, 120, 110], [25, 30, 33]), cpu: { temporal: 1.1, postgresql: 0.4 } }),
        report({ id: 'decision', title: 'one decision', engineRaw: 'baseline' }),
        report({ id: 'list', title: 'list endpoint' }),
      ],
      2,
    );
    const row = (title: string) => table.split('\n').find((line) => line.startsWith(`| ${title} |`))!;
    expect(row('campaign over 5,000 stations')).toContain(
      'trivial workflow.start, 100 callers: 110 starts/s (100–120); the scenario at 0.25× (0.25–0.30) of it',
    );
    expect(row('one decision')).toContain('| the baseline |');
    expect(row('list endpoint')).toContain('| — (no Temporal) |');
    expect(table).toContain('| campaign over 5,000 stations | — | — | — | 1.10 | 0.40 | — |');
  });
});
