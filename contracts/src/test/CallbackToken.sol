// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}

/// @notice Test-only token with an ERC-777-style receive hook: a transfer to an account that
/// opted in calls its `onTokenReceived`, and fails if that call fails. With it, a recipient can
/// refuse a payment by reverting.
contract CallbackToken is ERC20 {
    mapping(address account => bool) public hooked;

    constructor() ERC20("Callback", "CBK") {}

    /// The caller wants `onTokenReceived` on every incoming transfer.
    function optIn() external {
        hooked[msg.sender] = true;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && hooked[to]) ITokenReceiver(to).onTokenReceived(from, value);
    }
}
