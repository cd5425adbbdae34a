/** Every workflow the worker runs. */
export { campaign } from './campaign';
export { complaint } from './complaint';
export { examinerImport } from './examinerImport';
export { housekeeping } from './housekeeping';
export { inspection } from './inspection';
export { qualification } from './qualification';
export { session } from './session';
export { stationApproval } from './stationApproval';
export { stationProgramme } from './stationProgramme';
