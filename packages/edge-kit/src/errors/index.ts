export { AppError, type AppErrorOptions, errors, type FieldIssue, isAppError } from "./app-error";
export {
  describeStatus,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemContext,
  problemFromAppError,
  problemFromStatus,
  problemResponse,
  problemTypeFor,
  toProblem,
} from "./problem";
