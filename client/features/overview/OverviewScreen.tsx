// Placeholder until the screen lands; replaced by its feature's issue.
export function OverviewScreen() {
  return <main>Overview</main>;
}
