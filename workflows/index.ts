/** Every workflow the worker runs. */
export { campaign } from './campaign';
export { complaint } from './complaint';
export { earlyWarning } from './earlyWarning';
export { examinerImport } from './examinerImport';
export { housekeeping } from './housekeeping';
export { inspection } from './inspection';
export { licenceRenewal } from './licenceRenewal';
export { qualification } from './qualification';
export { quarterlyReport } from './quarterlyReport';
export { session } from './session';
export { stationApproval } from './stationApproval';
export { stationProgramme } from './stationProgramme';
export { statisticsReconciliation } from './statisticsReconciliation';
