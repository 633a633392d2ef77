export const API_PREFIX = '/api/v1'
export const MAX_JSON_BODY_BYTES = 1024 * 1024
export const MAX_EVENT_CLIENTS = 32
/** A WebSocket client whose unsent data exceeds this is too slow and is dropped. */
export const MAX_EVENT_CLIENT_BUFFER_BYTES = 4 * 1024 * 1024
/** A connection that sends or receives nothing for this long is closed (uploads keep it busy). */
export const IDLE_SOCKET_TIMEOUT_MS = 60_000
export const HEADERS_TIMEOUT_MS = 10_000
/** Largest asset upload (streamed to disk, never buffered). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024 * 1024
/** Most files and folders in one folder upload (an image dataset's images and class folders). */
export const MAX_FOLDER_ENTRIES = 200_000
