// Front door of the rooms feature: the ChatRoom Durable Object, the room directory (who may see which
// room), and the room routes.
// IDENTITY_HEADERS and ROOM_UPGRADE_URL: how the Worker hands an authenticated upgrade to the object.
export { ChatRoom } from "./chat-room";
export { createRoomAttachmentRoutes } from "./room-attachments.routes";
export { revokeRoomSessions } from "./room-connections";
export { RoomDirectory, type RoomEntry } from "./room-directory";
export { createRoomMemberRoutes } from "./room-members.routes";
export { IDENTITY_HEADERS, ROOM_UPGRADE_URL } from "./room-tickets";
export { createRoomRoutes } from "./rooms.routes";
