/**
 * The preload. It runs sandboxed (`sandbox: true`), so it is bundled to one CommonJS file that
 * requires nothing but `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_KEY, createApi } from './api';

contextBridge.exposeInMainWorld(API_KEY, createApi(ipcRenderer));
