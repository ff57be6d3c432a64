import { describe, expect, it } from 'vitest';
import { DRAWING_SHARE, isSoftwareRenderer, nextDrawAt } from './drawingBudget.ts';

describe('isSoftwareRenderer', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Google SwiftShader', true],
    ['ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)', false],
    ['ANGLE (NVIDIA, NVIDIA GeForce GTX 1650 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['', false],
  ])('%s → %s', (name, software) => {
    expect(isSoftwareRenderer(name)).toBe(software);
  });
});

describe('nextDrawAt', () => {
  it('lets a quick draw be followed at once', () => {
    expect(nextDrawAt(1_000, 1_033)).toBe(1_033);
    expect(nextDrawAt(1_000, 1_050)).toBe(1_050);
  });
  it('rests a slow map three times as long as its draw took: a quarter of the time drawing', () => {
    expect(nextDrawAt(1_000, 1_900)).toBe(1_900 + 2_700);
    const took = 400;
    const rest = nextDrawAt(0, took) - took;
    expect(took / (took + rest)).toBeCloseTo(DRAWING_SHARE);
  });
});
