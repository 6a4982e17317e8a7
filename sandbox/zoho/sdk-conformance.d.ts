// Zoho's Node SDK ships no type declarations; the conformance suite uses it untyped.
declare module '@zohocrm/nodejs-sdk-8.0';
