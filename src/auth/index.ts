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
export {
  assertCan,
  can,
  dataScope,
  OPERATOR,
  PERMISSIONS,
  ROLES,
  type Access,
  type Action,
  type DataScope,
  type Role,
} from './access.ts';
export { listAudit, recordAudit, type AuditEntry } from './audit.ts';
export { checkPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './passwords.ts';
export { createSession, endSession, verifySession, type SessionInfo } from './sessions.ts';
export {
  acceptInvitation,
  addMember,
  authenticate,
  changePassword,
  createInvitation,
  createUser,
  findUserByEmail,
  listMembers,
  memberAccess,
  normalizeEmail,
  removeMember,
  setPassword,
  updateMember,
  type Member,
  type MembershipInput,
} from './users.ts';
