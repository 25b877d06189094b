import { ArrowDown, Pause } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';

import type { LogEntry } from '@/store/trainingStore';
import { cn } from '@/utils/cn';

import { formatTime } from './format';

/** Closer than this to the bottom counts as "at the bottom" (follow new lines). */
const BOTTOM_SLACK_PX = 24;

const LEVEL_CLASSES: Record<string, string> = {
  error: 'text-red-400',
  warning: 'text-amber-300',
  debug: 'text-slate-500',
};

function isAtBottom(element: HTMLElement): boolean {
  return element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
}

/**
 * The session's log lines. Follows new lines while scrolled to the bottom; scrolling up pauses the
 * follow so a line can be read, and "Jump to latest" resumes it.
 */
export function LogConsole({ logs, className }: { logs: readonly LogEntry[]; className?: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);

  useEffect(() => {
    const element = scroller.current;
    if (follow && element !== null) element.scrollTop = element.scrollHeight;
  }, [logs, follow]);

  return (
    <div className={cn('relative', className)}>
      <div
        ref={scroller}
        role="log"
        aria-label="Training log"
        aria-live="off"
        tabIndex={0}
        data-following={follow}
        onScroll={(event) => {
          setFollow(isAtBottom(event.currentTarget));
        }}
        className="h-72 overflow-y-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-200 focus-visible:outline-2 focus-visible:outline-sky-500"
      >
        {logs.length === 0 ? (
          <p className="text-slate-500">No log lines yet.</p>
        ) : (
          logs.map((line) => (
            <div key={line.id} className="flex gap-3 whitespace-pre-wrap break-words">
              <span className="shrink-0 text-slate-500 select-none">
                {formatTime(line.timestamp)}
              </span>
              <span className={cn('min-w-0', LEVEL_CLASSES[line.level])}>{line.message}</span>
            </div>
          ))
        )}
      </div>
      {!follow && (
        <div className="absolute right-3 bottom-3 flex items-center gap-2">
          <span className="inline-flex items-center gap-1 rounded bg-slate-800/90 px-2 py-1 text-[11px] text-slate-300">
            <Pause className="size-3" aria-hidden="true" />
            Auto-scroll paused
          </span>
          <button
            type="button"
            onClick={() => {
              setFollow(true);
            }}
            className="inline-flex items-center gap-1 rounded bg-sky-600 px-2 py-1 text-[11px] font-medium text-white hover:bg-sky-500"
          >
            <ArrowDown className="size-3" aria-hidden="true" />
            Jump to latest
          </button>
        </div>
      )}
    </div>
  );
}
