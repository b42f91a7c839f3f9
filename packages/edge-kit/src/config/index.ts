// Configuration from a Worker's vars: zod schemas parsed once per environment object, errors that name the var.
export { ConfigError, type ConfigReader, configError, defineConfig, wholeNumber } from "./define-config";
