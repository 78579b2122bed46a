/** The preset registry lives in presets/ (one module per vendor); this keeps older imports working. */
export {
  getPreset,
  listPresets,
  presetNames,
  presetOptions,
  requirePreset,
  suggestPreset,
  type Preset,
} from './presets/index.ts';
