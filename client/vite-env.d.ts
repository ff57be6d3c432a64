// Vite's types for asset imports such as `…?url`.
/// <reference types="vite/client" />
