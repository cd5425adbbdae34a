/** Every workflow the worker runs. */
export { campaign } from './campaign';
export { inspection } from './inspection';
export { stationApproval } from './stationApproval';
export { stationProgramme } from './stationProgramme';
