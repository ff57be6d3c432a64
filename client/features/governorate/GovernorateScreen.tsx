// Placeholder until the screen lands; replaced by its feature's issue.
export function GovernorateScreen({ pcode }: { pcode: string }) {
  return <main>{pcode}</main>;
}
