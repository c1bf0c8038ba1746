import type { Ref } from 'react';

/** What the CoNLL / CoNLL-U file pickers offer. */
export const CONLL_ACCEPT = '.conll,.conllu,.txt,.tsv,.iob,.bio,.testa,.testb,.train,text/plain';

/**
 * A hidden file input, opened by a button through `ref`: it hands the chosen file on and clears
 * itself, so that choosing the same file again (after fixing it) is noticed.
 */
export function HiddenFileInput({ ref, testId, accept, onFile }: { ref: Ref<HTMLInputElement>; testId: string; accept: string; onFile: (file: File) => void }) {
  return (
    <input
      ref={ref}
      type="file"
      hidden
      data-testid={testId}
      accept={accept}
      onChange={(event) => {
        const file = event.target.files?.[0];
        event.target.value = '';
        if (file) onFile(file);
      }}
    />
  );
}
