/*
 * plant-ot3.h - the legacy serial corner of the plant sample: a serial
 * device server carrying Modbus ASCII over TCP and a CoDeSys 2.3
 * controller; see plant-ot3.c.
 */
#ifndef OTS_GEN_PLANT_OT3_H
#define OTS_GEN_PLANT_OT3_H

#include "plant.h"

/* Every packet of the serial corner, routine and dangerous, for the whole capture. */
void recipe_ot3_serial(Plant *p, Rng *rng);

#endif /* OTS_GEN_PLANT_OT3_H */
