export { AppError, type AppErrorOptions, errors, type FieldIssue, isAppError } from "./app-error";
export {
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemContext,
  problemFromAppError,
  problemFromStatus,
  problemResponse,
  problemTypeFor,
  toProblem,
} from "./problem";
export { describeStatus } from "./status";
