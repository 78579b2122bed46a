import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A file input whose button and "no file" text are in the app's language (the native control
 * speaks the browser's). The real input lies transparent over the whole control, so a click
 * anywhere opens the picker, and the surrounding label still names it.
 */
export function FileInput({
  accept,
  onChange,
  testId,
}: {
  accept: string;
  onChange: (file: File | undefined) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState<string>();
  return (
    <span className="file-input">
      <span className="file-button" aria-hidden="true">
        {t('data.chooseFile')}
      </span>
      <span className="file-name" aria-hidden="true">
        {name ?? t('data.noFile')}
      </span>
      <input
        type="file"
        accept={accept}
        onChange={(e) => {
          const file = e.target.files?.[0];
          setName(file?.name);
          onChange(file);
        }}
        data-testid={testId}
      />
    </span>
  );
}
