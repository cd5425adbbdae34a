/** Every workflow the worker runs. */
export { stationApproval } from './stationApproval';
