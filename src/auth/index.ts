export {
  API_KEY_SCOPES,
  createApiKey,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
  type ApiKeyInfo,
  type ApiKeyScope,
  type VerifiedKey,
} from './api-keys.ts';
