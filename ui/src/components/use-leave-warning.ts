// The browser's own "Leave site? Changes you made may not be saved." while `armed`: a form with
// unsaved input arms it, and disarms it once its work is saved or it is empty again. Only a
// reload, a typed address or closing the tab ask; moves inside the app do not unload the page.

import { useEffect } from 'react';

export function useLeaveWarning(armed: boolean): void {
  useEffect(() => {
    if (!armed) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium and Safari show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [armed]);
}
