import { useTranslation } from 'react-i18next';
import type { Attainment as Verdict, MetricInfo } from '../catalog.tsx';

/**
 * A target's verdict as a badge, in words: met, missed (and whether the miss is significant: the
 * whole 95 % interval on the wrong side of the target), or not enough data to judge.
 */
export function AttainmentBadge({
  attainment,
  significant,
  direction,
}: {
  attainment: Verdict;
  significant: boolean | null | undefined;
  direction: MetricInfo['direction'];
}) {
  const { t } = useTranslation();
  if (attainment === 'no_target') return null;
  const title =
    attainment === 'missed'
      ? significant === true
        ? t(direction === 'lower_is_better' ? 'targets.significantAbove' : 'targets.significantBelow')
        : significant === false
          ? t('targets.notSignificant')
          : t('targets.noInterval')
      : attainment === 'not_enough_data'
        ? t('targets.notEnoughHelp')
        : undefined;
  return (
    <span
      className={`badge attainment ${attainment}`}
      data-testid="attainment"
      data-attainment={attainment}
      title={title}
    >
      {attainment === 'met'
        ? `✓ ${t('targets.met')}`
        : attainment === 'missed'
          ? `✗ ${significant === true ? t('targets.missedSignificant') : t('targets.missed')}`
          : t('targets.notEnough')}
    </span>
  );
}
