// Front door of the assistant feature: its routes.
export { createAssistantRoutes } from "./assistant.routes";
