// The engine's one clock: epoch ms with sub-ms precision, for socket writes, answers and schedules.
export const epochMs = () => performance.timeOrigin + performance.now();
