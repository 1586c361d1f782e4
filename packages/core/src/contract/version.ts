/** This release of mixtask, as sent in every request's User-Agent (a test keeps it equal to package.json's). */
export const mixtaskVersion = '0.1.0';
