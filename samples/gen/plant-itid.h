/*
 * plant-itid.h - IT traffic that gives plant devices away: a DHCP INFORM
 * from the historian (host name, Windows XP's option-55 list), an SNMPv2c
 * poll of the switch with a community string, and the engineering
 * workstation opening plc-b's web page; see plant-itid.c.
 */
#ifndef OTS_GEN_PLANT_ITID_H
#define OTS_GEN_PLANT_ITID_H

#include "plant.h"

/* All of it, for the whole capture. */
void recipe_it_identity(Plant *p, Rng *rng);

#endif /* OTS_GEN_PLANT_ITID_H */
