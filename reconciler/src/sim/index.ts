// The simulated cluster: clocks, controllers (job, kubelet, CronJob, TTL-after-finished) and their pure plans.
export { ManualClock, ScaledClock, wallClock, DEFAULT_START, type ScaledClockOptions } from './clock.ts';
export {
  startSimulation,
  SIM_NODES,
  STOPPED_POD_REMOVAL_MS,
  REPORTING_CONTROLLERS,
  type Simulation,
  type SimulationOptions,
  type SimulationError,
  type KillNodeOptions,
  type Controller,
} from './simulation.ts';
export { planJob, initialJobMemory, matchSuccessPolicy, type JobPlan, type JobPlanInput, type JobMemory, type SimEvent } from './job-plan.ts';
export { planCronJob, withActiveJob, parseSchedule, missedSchedules, nextScheduleAfter, scheduledJobName, MAX_MISSED_SCHEDULES, type CronJobPlan, type CronJobPlanInput, type TooManyMissedBehaviour } from './cronjob-plan.ts';
export { planTtl, jobFinishedAt, type TtlPlan } from './ttl-plan.ts';
export {
  planPodLifecycle,
  planTermination,
  stoppedStatus,
  POD_START_DELAY_MS,
  DEFAULT_STOP_MS,
  SIGTERM_EXIT_CODE,
  type PodLifecycleInput,
  type PodLifecyclePlan,
  type TerminationPlan,
} from './pod-lifecycle.ts';
export { podBehaviour, parseDuration, DEFAULT_BEHAVIOUR, type PodBehaviour } from './behaviour.ts';
export { podBackoffDelay } from './job-pods.ts';
export { matchFailurePolicy, type FailureAction, type FailureMatch } from './failure-policy.ts';
export { formatIndexes, parseIndexes } from './indexes.ts';
export { seededRng, keyedUnit, type Rng } from './random.ts';
export * from './meta.ts';
