/*
 * plant-ot2.h - the second OT cell of the plant sample: a GE PACSystems
 * PLC (SRTP), a CODESYS controller, a CC-Link IE Field Basic master and
 * slave, and a Modbus RTU serial gateway; see plant-ot2.c.
 */
#ifndef OTS_GEN_PLANT_OT2_H
#define OTS_GEN_PLANT_OT2_H

#include "plant.h"

/* Every packet of the second cell, routine and dangerous, for the whole capture. */
void recipe_ot2_cell(Plant *p, Rng *rng);

#endif /* OTS_GEN_PLANT_OT2_H */
