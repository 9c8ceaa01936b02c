/** Every Web API method the emulator answers; anything else is `unknown_method`. */
import { chatMethods } from './chat.js';
import type { MethodTable } from './context.js';
import { conversationMethods } from './conversations.js';
import { fileMethods } from './files.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';

export const METHODS: MethodTable = { ...userMethods, ...chatMethods, ...viewMethods, ...conversationMethods, ...fileMethods };
