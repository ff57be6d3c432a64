// How many pixels the map may draw, and how often. A wall PC whose browser has no GPU to use draws WebGL in
// software (SwiftShader, llvmpipe): on a 3840×2160 wall every live change then froze the screen for
// 1.4 to 1.9 s while the map's 2.4 million pixels were drawn on the CPU, and the freeze shrank with
// the pixels drawn (1.3 s at 1.9 million, 0.45 s at 0.6 million: bench/README.md, wall4k). There the
// map draws at most 1280×720 and the screen scales it up; its labels and numbers are HTML and stay
// sharp. A 1920×1080 wall's map is smaller than that, and with a GPU nothing changes.
// Only the wall (MapView with `interactive={false}`) is held to this budget: nobody clicks or zooms
// it, so a softer map and changes drawn together are a fair price for a screen that stays live. The
// overview and drill-down, where an analyst clicks a site and expects the change at once, keep
// every pixel and draw each change in the next frame.

/** The largest drawing buffer a software-drawn map gets, in device pixels. */
export const SOFTWARE_MAX_CANVAS: [number, number] = [1280, 720];

/** Renderer names of WebGL drawn on the CPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

let renderer: string | undefined;

/** The WebGL renderer's name as the browser gives it ('' without WebGL), asked once. */
function webglRenderer(): string {
  if (renderer !== undefined) return renderer;
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return (renderer = '');
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/** MapLibre's `maxCanvasSize` for this browser: capped where WebGL is software, its own default elsewhere. */
export function mapCanvasLimit(): { maxCanvasSize?: [number, number] } {
  return isSoftwareRenderer(webglRenderer()) ? { maxCanvasSize: SOFTWARE_MAX_CANVAS } : {};
}

/** Where drawing is slow, the share of the time the map may spend drawing live changes. */
export const DRAWING_SHARE = 0.25;
/** A draw this quick (the two frames it is measured over, and a little) is never held back. */
const QUICK_DRAW_MS = 50;

/**
 * When the map may draw its next live change, from when it began drawing the last one and when that
 * was on screen. After a quick draw, at once; after a slow one, once it has rested three times as
 * long, so a slow map draws at most a quarter of the time and the wall's clock, figures and alerts
 * (HTML, drawn apart from the map) stay live in between. The changes that come meanwhile are kept
 * and drawn together. A software-drawn 4K wall took 0.9 s per draw with 2,000 sites changing every
 * second, and was frozen 85 % of the time (bench/README.md, wall4k).
 */
export function nextDrawAt(startedMs: number, shownMs: number): number {
  const took = shownMs - startedMs;
  return took <= QUICK_DRAW_MS ? shownMs : shownMs + took * (1 / DRAWING_SHARE - 1);
}
