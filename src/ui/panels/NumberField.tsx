import { useState, type KeyboardEvent } from 'react';
import type { PaperTermKey } from '../../core/paperTerms.ts';
import { Term } from './Term.tsx';

interface NumberFieldProps {
  testId: string;
  label: string;
  value: number;
  onCommit(value: number): void;
  disabled?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
  /** `min` itself is refused (a learning rate must be above 0). */
  minOpen?: boolean;
  step?: number | 'any';
  title?: string;
  /** The paper term the label names (λ1, task dim k…): explained on hover. */
  term?: PaperTermKey;
}

/**
 * A number input that commits on Enter or when it loses focus (not on every keystroke: a commit
 * may start a run or change a running one). Remounted by its parent's key when the value changes
 * elsewhere, so it never fights the store.
 */
export function NumberField(props: NumberFieldProps) {
  return <NumberInput key={String(props.value)} {...props} />;
}

function NumberInput({ testId, label, value, onCommit, disabled, integer, min, max, minOpen, step, title, term }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  // Enter then blur must not commit twice (a shape switch would start two sibling runs).
  const [committed, setCommitted] = useState<number | null>(null);
  const commit = () => {
    const parsed = Number(text);
    const valid =
      text.trim() !== '' &&
      Number.isFinite(parsed) &&
      (!integer || Number.isInteger(parsed)) &&
      (min === undefined || parsed > min || (parsed === min && !minOpen)) &&
      (max === undefined || parsed <= max);
    if (!valid) {
      setText(String(value));
      return;
    }
    if (parsed === value || parsed === committed) return;
    setCommitted(parsed);
    onCommit(parsed);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') commit();
    if (event.key === 'Escape') setText(String(value));
  };
  return (
    <label className="field" title={title}>
      <span>{term ? <Term name={term}>{label}</Term> : label}</span>
      <input
        type="number"
        data-testid={testId}
        value={text}
        disabled={disabled}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
    </label>
  );
}
