export {
  isJobFinished,
  type JobEvent,
  type JobState,
  type JobStateName,
  jobEventAllowed,
  nextJobState
} from './job-state.js'
export {
  initialTaskState,
  isTaskActive,
  isTaskWaiting,
  nextTaskState,
  overdueTasks,
  type TaskEvent,
  type TaskState,
  type TaskStateName,
  taskEventAllowed
} from './task-state.js'
