// The wall's alarm tone for a new critical alert: generated with Web Audio, so no sound file is
// fetched or bundled. Only where the wall was opened with `?sound`; a kiosk browser must allow audio
// without a gesture (Chromium: --autoplay-policy=no-user-gesture-required), see docs/screens.md.

let context: AudioContext | null = null;

/** Whether this wall was asked to make a sound (`/wall?sound`). */
export function soundWanted(search = window.location.search): boolean {
  return new URLSearchParams(search).has('sound');
}

/**
 * Two short falling tones (880 Hz then 660 Hz, 0.25 s each, soft attack and release so the speaker
 * does not click): distinct from a phone's ring, short enough not to drown a conversation.
 * Returns the number of tones scheduled, 0 when the browser has no Web Audio.
 */
export function playAlarm(): number {
  const Context = window.AudioContext;
  if (!Context) return 0;
  context ??= new Context();
  // a suspended context (autoplay policy) is asked to resume; if it may not, the tone is silent
  if (context.state === 'suspended') void context.resume();
  const start = context.currentTime + 0.05;
  const tones = [880, 660];
  tones.forEach((frequency, i) => {
    const at = start + i * 0.3;
    const oscillator = context!.createOscillator();
    const gain = context!.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.4, at + 0.02);
    gain.gain.setValueAtTime(0.4, at + 0.22);
    gain.gain.linearRampToValueAtTime(0, at + 0.25);
    oscillator.connect(gain).connect(context!.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.26);
  });
  return tones.length;
}
