/** Why a run another tab trains cannot be acted on here: the title of every control it disables. */
export const ELSEWHERE_TITLE =
  'Another tab of this browser trains this: act on it there, or wait until that tab stops it or is closed (then it can go on here).';
