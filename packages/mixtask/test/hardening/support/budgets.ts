/** Small budgets: a fault row must end in well under a second or two. */
export const timeoutMs = 200;
export const deadlineMs = 2000;
