import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from './drawingBudget.ts';

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
