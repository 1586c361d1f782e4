// What the benchmark orchestrators share: the median of a list, and one question to a forked process.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Sends one message to a child (none when undefined) and resolves with its next answer of the given type. */
export function ask(child, message, answerType = 'result') {
  return new Promise((resolve, reject) => {
    const onMessage = (answer) => {
      if (answer.type !== answerType) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(answer.result ?? answer);
    };
    const onExit = (code) => reject(new Error(`a benchmark process exited (${code}) while asked ${message?.type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message !== undefined) child.send(message);
  });
}
