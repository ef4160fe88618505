// pretrain({ workers: 2 }) from the installed tarballs' ES module builds (see workers-check.cjs).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@ssl/backends';
import { convEncoder } from '@ssl/encoders';
import { pretrain, simclr } from '@ssl/trainer';
import checkWorkers from './workers-check.cjs';

console.log(await checkWorkers({ tf, useBackend, convEncoder, pretrain, simclr }));
