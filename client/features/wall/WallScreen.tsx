// Placeholder until the screen lands; replaced by its feature's issue.
export function WallScreen() {
  return <main>Wall</main>;
}
