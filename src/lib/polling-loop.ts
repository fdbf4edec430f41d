// A background loop that runs rounds of work back to back while there is work, and waits a
// while when a round found none: the outbox dispatcher and the background-job runner. `stop`
// ends the wait at once and resolves when the round in progress has finished.

export interface PollingLoop {
  start(): void;
  stop(): Promise<void>;
}

export function pollingLoop(round: () => Promise<boolean>, options: { idleMs: number; onError: (error: unknown) => void }): PollingLoop {
  let running = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  return {
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          let worked = false;
          try {
            worked = await round();
          } catch (error) {
            options.onError(error);
          }
          if (!worked && running) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.idleMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
        }
      })();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}
