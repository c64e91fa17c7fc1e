/*
 * cip-device.c - names of CIP device profiles (the Identity object's device
 * type), shared by the ENIP (List Identity) and CIP (Get_Attribute_All)
 * dissectors.
 */
#include "config.h"

#include "cip-device.h"

#include <stddef.h>

/* CIP device profiles (Vol. 1 chapter 6): the Identity object's device
 * type, for the ones a plant network shows. */
static const struct {
    uint16_t type;
    const char *name;
} device_types[] = {
    {0x00, "Generic Device"},
    {0x02, "AC Drive"},
    {0x03, "Motor Overload"},
    {0x04, "Limit Switch"},
    {0x05, "Inductive Proximity Switch"},
    {0x06, "Photoelectric Sensor"},
    {0x07, "General Purpose Discrete I/O"},
    {0x09, "Resolver"},
    {0x0c, "Communications Adapter"},
    {0x0e, "Programmable Logic Controller"},
    {0x10, "Position Controller"},
    {0x13, "DC Drive"},
    {0x15, "Contactor"},
    {0x16, "Motor Starter"},
    {0x17, "Soft Start"},
    {0x18, "Human-Machine Interface"},
    {0x1a, "Mass Flow Controller"},
    {0x1b, "Pneumatic Valve"},
    {0x22, "Encoder"},
    {0x23, "Safety Discrete I/O Device"},
    {0x25, "CIP Motion Drive"},
    {0x28, "CIP Modbus Device"},
    {0x29, "CIP Modbus Translator"},
    {0x2a, "Safety Analog I/O Device"},
    {0x2b, "Generic Device (keyable)"},
    {0x2c, "Managed Ethernet Switch"},
    {0x32, "ControlNet Physical Layer Component"},
    {0x33, "Circuit Breaker"},
    {0x34, "HART Device"},
    {0x35, "CIP-HART Translator"},
    {0xc8, "Embedded Component"},
};

const char *cip_device_type_name(uint16_t type)
{
    for (size_t i = 0; i < sizeof(device_types) / sizeof(device_types[0]); i++)
        if (device_types[i].type == type)
            return device_types[i].name;
    return "Device";
}
