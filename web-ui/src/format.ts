export const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
