export {
  ENTITY_NAMES,
  getEntity,
  listEntities,
  SURVEY_SCALES,
  type EntityDef,
  type EntityName,
  type FieldDef,
} from './entities.ts';
export {
  describeSummary,
  importRecords,
  MAX_REPORTED_ERRORS,
  type ImportOptions,
  type ImportSource,
  type ImportSummary,
  type RecordError,
  type RejectedRecord,
} from './import-records.ts';
export {
  formatFromContentType,
  formatFromName,
  IMPORT_FORMATS,
  textDecoder,
  type ImportFormat,
} from './read-records.ts';
export type { MappingOptions } from './shape-record.ts';
