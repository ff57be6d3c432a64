// Any moment of the last 30 days on screen: a slider scrubs back through the picture as it was known
// then (GET /api/snapshot?at=), a play button runs it forward at a chosen speed, and LIVE returns to
// the live picture with one click. While the screen is in the past the live feed waits (lib/realtime.ts)
// and the past frame says so (PastFrame.tsx).
import './TimeSlider.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addressMoment, returnToLive, showPastPicture } from '../lib/past.ts';
import { useDashboard } from '../store/store.ts';
import { useFormat } from './format.ts';
import { useNow } from './useNow.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SPAN_MS = 30 * 24 * HOUR;
/** The slider moves in quarters of an hour: finer than any window a rule uses. */
const STEP_MS = 15 * MINUTE;
/** Playing, the picture moves this many hours of the past for each second that passes. */
const SPEEDS = [1, 6, 24] as const;
type Speed = (typeof SPEEDS)[number];
/** While playing, a new moment is asked for at most this often. */
const PLAY_FRAME_MS = 500;
/** A drag asks for the moment it stops at, not for every position it passes. */
const DRAG_SETTLE_MS = 150;

export function TimeSlider() {
  const { t } = useTranslation('analyst');
  const { format } = useFormat();
  const nowMs = useNow(MINUTE);
  const pastAt = useDashboard((s) => s.pastAt);
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(1);
  const [error, setError] = useState<string | null>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);

  const show = (atMs: number) => {
    setError(null);
    return showPastPicture(atMs).catch((e: unknown) => {
      setError(e instanceof Error ? e.message : String(e));
      setPlaying(false);
    });
  };

  // a link with ?at= opens that moment
  useEffect(() => {
    const atMs = addressMoment();
    if (atMs !== null && atMs < Date.now()) void show(atMs);
  }, []);

  // playing: each frame moves the moment on by speed × the time that passed, until it reaches now
  useEffect(() => {
    if (!playing) return;
    let stopped = false;
    let last = Date.now();
    const frame = async () => {
      if (stopped) return;
      const current = useDashboard.getState().pastAt;
      const elapsed = Date.now() - last;
      last = Date.now();
      const next = (current ? Date.parse(current) : Date.now() - SPAN_MS) + (elapsed / 1000) * speed * HOUR;
      if (next >= Date.now()) {
        setPlaying(false);
        returnToLive();
        return;
      }
      await show(next);
      if (!stopped) setTimeout(() => void frame(), PLAY_FRAME_MS);
    };
    const timer = setTimeout(() => void frame(), PLAY_FRAME_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [playing, speed]);

  const minMs = Math.floor((nowMs - SPAN_MS) / STEP_MS) * STEP_MS;
  const live = pastAt === null;
  const valueMs = dragMs ?? (live ? nowMs : Date.parse(pastAt));

  const onSlide = (ms: number) => {
    setPlaying(false);
    setDragMs(ms);
    if (settle.current) clearTimeout(settle.current);
    settle.current = setTimeout(() => {
      // the right end of the slider is now: the live picture
      const pending = ms >= Date.now() - STEP_MS ? Promise.resolve(returnToLive()) : show(ms);
      void pending.finally(() => setDragMs(null));
    }, DRAG_SETTLE_MS);
  };

  return (
    <section className={`time-slider${live ? '' : ' time-slider-past'}`} data-testid="time-slider" aria-label={t('sliderLabel')}>
      <label className="time-slider-track">
        <span>{t('sliderLabel')}</span>
        <input
          type="range"
          min={minMs}
          max={nowMs}
          step={STEP_MS}
          value={Math.min(Math.max(valueMs, minMs), nowMs)}
          onChange={(e) => onSlide(Number(e.target.value))}
          aria-valuetext={live && dragMs === null ? t('live') : format.dateTime(valueMs)}
          data-testid="time-slider-input"
        />
      </label>
      <output className="time-slider-moment" data-testid="time-slider-moment">
        {live && dragMs === null ? t('live') : format.dateTime(valueMs)}
      </output>
      <button type="button" onClick={() => setPlaying((p) => !p)} data-testid="time-slider-play" aria-pressed={playing}>
        {playing ? t('pause') : t('play')}
      </button>
      <label>
        {t('speed')}{' '}
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value) as Speed)} data-testid="time-slider-speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {t(`speed_${s}`)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="time-slider-live"
        aria-pressed={live}
        disabled={live && !playing}
        onClick={() => {
          setPlaying(false);
          setDragMs(null);
          returnToLive();
        }}
        data-testid="go-live"
      >
        {live ? t('live') : t('goLive')}
      </button>
      {error ? (
        <p className="error" role="alert">
          {t('pastFailed', { message: error })}
        </p>
      ) : null}
    </section>
  );
}
