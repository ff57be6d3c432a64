// Time as a dependency: the server reads it here, tests move it by hand.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
